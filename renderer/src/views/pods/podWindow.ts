// Which rows of a long table to render: only those in (or near) the scrolled viewport, so 1,000 pods cost
// the DOM of about forty. Rows have a fixed height (pods.css sets it), which makes this arithmetic exact.

export const ROW_HEIGHT = 36;
/** Rows rendered above and below the viewport, so fast scrolling and arrow keys rarely meet a gap. */
export const OVERSCAN = 10;
/** Below this many rows everything is rendered: windowing would only add moving parts. */
export const WINDOW_THRESHOLD = 150;
/** Assumed until the scroll container has been measured (and in test DOMs, which have no layout). */
export const DEFAULT_VIEWPORT_HEIGHT = 900;

export interface RowWindow {
  first: number;
  /** One past the last row rendered. */
  last: number;
  /** Space kept above and below the rendered rows, so the scrollbar spans every row. */
  padTop: number;
  padBottom: number;
}

export function rowWindow(count: number, scrollTop: number, viewportHeight: number): RowWindow {
  if (count <= WINDOW_THRESHOLD) return { first: 0, last: count, padTop: 0, padBottom: 0 };
  const height = viewportHeight > 0 ? viewportHeight : DEFAULT_VIEWPORT_HEIGHT;
  let first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  // An even first row keeps the zebra striping (nth-child) from flickering while scrolling.
  first -= first % 2;
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const safeFirst = Math.min(first, last);
  return { first: safeFirst, last, padTop: safeFirst * ROW_HEIGHT, padBottom: (count - last) * ROW_HEIGHT };
}
