export interface GridLayout {
  columns: number;
  rows: number;
  cellWidth: number;
  cellHeight: number;
}

/** Tiles read best a little wider than tall (name on one line). */
const PREFERRED_ASPECT = 1.6;

/**
 * The column count that makes `count` tiles as large as possible inside width × height, cells
 * kept near PREFERRED_ASPECT. O(count) and allocation-free: fine for thousands of tiles per render.
 */
export function gridLayout(count: number, width: number, height: number, gap: number): GridLayout {
  if (count <= 0 || width <= 0 || height <= 0) {
    return { columns: 0, rows: 0, cellWidth: 0, cellHeight: 0 };
  }
  let best: GridLayout = {
    columns: 1,
    rows: count,
    cellWidth: width,
    cellHeight: Math.max(1, (height - gap * (count - 1)) / count),
  };
  let bestScore = -1;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) {
      continue;
    }
    // Usable area of a tile at the preferred aspect that fits the cell.
    const h = Math.min(cellHeight, cellWidth / PREFERRED_ASPECT);
    const score = h * h * PREFERRED_ASPECT;
    if (score > bestScore) {
      bestScore = score;
      best = {
        columns,
        rows,
        cellWidth: Math.floor(cellWidth),
        cellHeight: Math.floor(Math.min(cellHeight, cellWidth)),
      };
    }
  }
  return best;
}
