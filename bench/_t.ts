import { highs } from '#domain/highs';
const m = highs.createModel({
  numCols: 2, numRows: 1, sense: highs.constants.objectiveSense.maximize,
  colCost: [1, 2], colLower: [0, 0], colUpper: [1, 1],
  rowLower: [-highs.infinity], rowUpper: [1],
  matrix: { format: 'csc', numRows: 1, numCols: 2, starts: [0, 1, 2], indices: [0, 0], values: [1, 1] },
  integrality: [1, 1],
});
m.options.set({ output_flag: false });
const r = m.run();
console.log(r, m.getSolution().colValue, m.getObjectiveValue(), m.info.get('mip_dual_bound'), m.info.get('mip_gap'));
m.dispose();
