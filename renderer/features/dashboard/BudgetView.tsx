// Calls used per submission against the budget, and the submissions that spent all of it.
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtInt } from '../../components/format';
import { useLive } from '../../stores';
import { selectBatch } from '../../stores/selectors';

export function BudgetView() {
  const batch = useLive(selectBatch);
  if (!batch) {
    return (
      <section className="card budget" aria-labelledby="budget-h">
        <h2 id="budget-h">Budget use</h2>
        <p className="muted">No batch yet. Start one on the Batches screen.</p>
      </section>
    );
  }
  const bins = Array.from({ length: Math.max(batch.budget + 1, batch.budgetHistogram.length) }, (_, n) => ({
    calls: n,
    submissions: batch.budgetHistogram[n] ?? 0,
  }));
  return (
    <section className="card budget" aria-labelledby="budget-h">
      <h2 id="budget-h">Budget use</h2>
      <p className="muted">
        Calls used per finished submission, budget {batch.budget} per submission · {fmtInt(batch.callsUsed)} calls, {fmtInt(batch.cacheHits)} cache
        hits, {fmtInt(batch.fallbacks)} fallbacks
      </p>
      <div className="budget-body">
        <div className="chart-box">
          <ResponsiveContainer width="100%" height={160}>
            <BarChart data={bins} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
              <XAxis
                dataKey="calls"
                tick={{ fontSize: 11 }}
                label={{ value: 'calls used', position: 'insideBottomRight', offset: -2, fontSize: 11 }}
              />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
              <Tooltip isAnimationActive={false} />
              <Bar dataKey="submissions" fill="var(--chart-actual)" isAnimationActive={false} />
              {/* The budget's label sits inside the plot, beside its line, where it can't be clipped. */}
              <ReferenceLine
                x={batch.budget}
                stroke="var(--chart-429)"
                label={{ value: `budget ${batch.budget}`, position: 'insideTopRight', fontSize: 10, fill: 'var(--bad)' }}
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <div>
          <h3>Spent their budget ({batch.budgetExhausted.length})</h3>
          {batch.budgetExhausted.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul className="id-list">
              {batch.budgetExhausted.slice(0, 50).map((id) => (
                <li key={id}>{id}</li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
