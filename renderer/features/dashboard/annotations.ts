// Chart annotations (breaker transitions, operator actions) grouped so their labels never pile up.

/** By default (a 5-minute plot), annotations closer than this share one label ("breaker open +2"), so labels never pile up. */
export const LABEL_GAP_MS = 20_000;

export type Note = { at: number; label: string };

/** One label per cluster of close annotations, on the cluster's last line; the other lines stay unlabelled. */
export function labelClusters(notes: Note[], gapMs = LABEL_GAP_MS): Array<Note & { shown: string | null }> {
  const out: Array<Note & { shown: string | null }> = [];
  let cluster: Note[] = [];
  const flush = () => {
    cluster.forEach((n, i) =>
      out.push({ ...n, shown: i === cluster.length - 1 ? (cluster.length > 1 ? `${n.label} +${cluster.length - 1}` : n.label) : null }),
    );
    cluster = [];
  };
  for (const n of [...notes].sort((a, b) => a.at - b.at)) {
    const prev = cluster.at(-1);
    if (prev && n.at - prev.at >= gapMs) flush();
    cluster.push(n);
  }
  flush();
  return out;
}
