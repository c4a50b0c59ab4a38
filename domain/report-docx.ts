import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { type RangeReport, rangeName } from './range-report.ts';
import type { ReportCharts } from './report-charts.ts';
import { type CellValue, cellText } from './sheet-cells.ts';

/*
 * The association's report as a Word document a secretary edits in WPS or Word: the title, the
 * paragraph, the two charts (SVG, as ECharts drew them for the page), the tables per season and per
 * county, and the typical cases with their photos and captions. Pure: the caller hands the photos.
 */

export interface DocxCase {
  sentence: string;
  photo?: { bytes: Uint8Array; contentType: string } | 'too-large' | undefined;
}

export interface ReportDocxInput {
  report: RangeReport;
  summary: { zh: string; en: string };
  charts: ReportCharts;
  seasonRows: CellValue[][];
  countyRows: CellValue[][];
  /** A table per county: its name and its seasons. */
  perCounty: readonly { name: string; rows: CellValue[][] }[];
  cases: readonly DocxCase[];
}

const FONT = { ascii: 'Times New Roman', eastAsia: '宋体', hAnsi: 'Times New Roman' };
const HEADING_FONT = { ascii: 'Arial', eastAsia: '黑体', hAnsi: 'Arial' };

/**
 * A plain 1×1 white PNG: what Word before 2016 shows in place of an SVG chart (Word 2016 and
 * later, and WPS, draw the SVG itself).
 */
const SVG_FALLBACK = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC',
  'base64',
);

/** Width and height of a PNG or JPEG, from its header; undefined for anything else. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length > 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return undefined;
      const marker = bytes[at + 1] as number;
      const length = view.getUint16(at + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame's size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      }
      at += 2 + length;
    }
  }
  return undefined;
}

const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
  new Paragraph({
    heading: level,
    spacing: { before: 240, after: 120 },
    children: [new TextRun({ text, font: HEADING_FONT, bold: true })],
  });

const body = (text: string, options: { indent?: boolean; size?: number; italics?: boolean } = {}) =>
  new Paragraph({
    spacing: { after: 120, line: 360 },
    ...(options.indent ? { indent: { firstLine: 480 } } : {}),
    children: [
      new TextRun({ text, font: FONT, size: options.size ?? 24, italics: options.italics ?? false }),
    ],
  });

function table(rows: readonly (readonly CellValue[])[]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: {
      top: border,
      bottom: border,
      left: border,
      right: border,
      insideHorizontal: border,
      insideVertical: border,
    },
    rows: rows.map(
      (row, r) =>
        new TableRow({
          tableHeader: r === 0,
          children: row.map(
            (cell) =>
              new TableCell({
                children: [
                  new Paragraph({
                    alignment: typeof cell === 'number' ? AlignmentType.RIGHT : AlignmentType.LEFT,
                    children: [
                      new TextRun({
                        text: cellText(cell),
                        font: FONT,
                        size: 16,
                        bold: r === 0 || cell === '合计',
                      }),
                    ],
                  }),
                ],
              }),
          ),
        }),
    ),
  });
}

function chart(svg: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    children: [
      new ImageRun({
        type: 'svg',
        data: Buffer.from(svg, 'utf8'),
        transformation: { width: 600, height: 281 },
        fallback: { type: 'png', data: SVG_FALLBACK },
      }),
    ],
  });
}

function photo(p: { bytes: Uint8Array; contentType: string }): Paragraph | undefined {
  const size = imageSize(p.bytes);
  const type = p.contentType === 'image/png' ? 'png' : p.contentType === 'image/jpeg' ? 'jpg' : undefined;
  if (!size || !type) return undefined;
  // At most 15 cm wide and 10 cm high (96 dpi pixels), keeping its proportions.
  const scale = Math.min(567 / size.width, 378 / size.height, 1);
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    children: [
      new ImageRun({
        type,
        data: Buffer.from(p.bytes),
        transformation: { width: Math.round(size.width * scale), height: Math.round(size.height * scale) },
      }),
    ],
  });
}

/** The .docx file's bytes. */
export async function reportDocx(input: ReportDocxInput): Promise<Buffer> {
  const name = rangeName(input.report.from, input.report.to);
  const cases = input.cases.flatMap((c) => {
    const image = c.photo && c.photo !== 'too-large' ? photo(c.photo) : undefined;
    return [
      ...(image ? [image] : []),
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { after: 240 },
        children: [new TextRun({ text: c.sentence, font: FONT, size: 21 })],
      }),
      ...(c.photo === 'too-large'
        ? [
            body('（照片过大，未收入本文档 / photo too large for this document）', {
              size: 18,
              italics: true,
            }),
          ]
        : []),
    ];
  });
  const doc = new Document({
    creator: '山区科技服务轮次',
    title: `${name.zh}山区科技服务工作报告`,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 1440, bottom: 1440, left: 1418, right: 1418 },
          },
        },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            heading: HeadingLevel.TITLE,
            children: [
              new TextRun({
                text: `${name.zh}山区科技服务工作报告`,
                font: HEADING_FONT,
                bold: true,
                size: 36,
              }),
            ],
          }),
          heading('一、总体情况', HeadingLevel.HEADING_1),
          body(input.summary.zh, { indent: true }),
          body(input.summary.en, { size: 20, italics: true }),
          heading('二、需求办理漏斗', HeadingLevel.HEADING_1),
          chart(input.charts.funnel),
          heading('三、各季度情况', HeadingLevel.HEADING_1),
          chart(input.charts.seasons),
          table(input.seasonRows),
          heading('四、各县情况', HeadingLevel.HEADING_1),
          table(input.countyRows),
          ...input.perCounty.flatMap((c) => [heading(c.name, HeadingLevel.HEADING_2), table(c.rows)]),
          heading('五、典型案例', HeadingLevel.HEADING_1),
          ...(cases.length > 0 ? cases : [body('本期暂无标记的典型案例。')]),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
