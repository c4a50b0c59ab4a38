import * as echarts from 'echarts';
import type { RangeReport } from './range-report.ts';

/*
 * The report's charts, drawn once on the server with ECharts' server-side renderer as SVG (text,
 * not pixels: they print sharply on A4). The page shows the very same SVG as the Word document, and
 * no chart library is shipped to the browser (ECharts is about 1 MB minified). Pure: no I/O.
 */

export interface ReportCharts {
  /** 收集 → 走访涉及 → 分派 → 办结 → 合作: the range's funnel. */
  funnel: string;
  /** The seasons side by side: needs collected, handled, cooperations, expert visits. */
  seasons: string;
}

// Single quotes: ECharts writes the family into a double-quoted style attribute as it is.
const FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";

function svgOf(width: number, height: number, option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const WORDS = {
  collected: ['收集需求', 'Needs collected'],
  onVisit: ['走访涉及需求', 'Needs on visits'],
  assigned: ['已分派', 'Assigned'],
  handled: ['办结', 'Handled'],
  cooperations: ['达成合作', 'Cooperations'],
  expertVisits: ['专家人次', 'Expert visits'],
} as const;

/** Both charts of the report in one language, 640 by 300 (an A4 page's text width at 96 dpi). */
export function reportCharts(report: RangeReport, lang: 'zh' | 'en' = 'zh'): ReportCharts {
  const t = report.total;
  const word = (key: keyof typeof WORDS) => WORDS[key][lang === 'en' ? 1 : 0];
  const steps = (['collected', 'onVisit', 'assigned', 'handled', 'cooperations'] as const).map(
    (key) => [word(key), t[key]] as const,
  );
  const funnel = svgOf(640, 300, {
    color: ['#1f6f8b', '#2f8fa8', '#4aa8bf', '#7cc4d3', '#b5dde6'],
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: 40,
        right: 200,
        top: 20,
        bottom: 20,
        minSize: '12%',
        label: { position: 'right', formatter: '{b}  {c}', fontSize: 14, color: '#222' },
        labelLine: { show: true },
        data: steps.map(([name, value]) => ({ name, value })),
      },
    ],
  });
  const series = (['collected', 'handled', 'cooperations', 'expertVisits'] as const).map(
    (key) => [word(key), key] as const,
  );
  const seasons = svgOf(640, 300, {
    color: ['#1f6f8b', '#e07b39', '#5a9e4b', '#8a5fb0'],
    legend: { top: 0, textStyle: { fontSize: 13 } },
    grid: { left: 48, right: 16, top: 40, bottom: 36 },
    xAxis: {
      type: 'category',
      data: report.bySeason.map((s) =>
        lang === 'en' ? s.season : `${s.season.slice(0, 4)}年Q${s.season.slice(6)}`,
      ),
      axisLabel: { fontSize: 12 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(([name, key]) => ({
      name,
      type: 'bar',
      barMaxWidth: 28,
      label: { show: report.bySeason.length <= 8, position: 'top', fontSize: 10 },
      data: report.bySeason.map((s) => s[key]),
    })),
  });
  return { funnel, seasons };
}
