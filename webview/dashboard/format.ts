// Number formatting shared by the dashboard's header, tables and tooltips. Missing or non-finite numbers
// (a diverged run, or NaN turned into null by JSON) print as a dash.

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export function percent(x: number | null | undefined): string {
  return finite(x) ? (100 * x).toFixed(1) : '–';
}

export function fixed(x: number | null | undefined, digits: number): string {
  return finite(x) ? x.toFixed(digits) : '–';
}

export function count(x: number | null | undefined): string {
  return finite(x) ? Math.round(x).toLocaleString('en') : '–';
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function duration(seconds: number | null | undefined): string {
  if (!finite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
