// The Batches screen: intake (drop, preview, start), the selected run, the run history, its results and a submission's detail.
import { useState } from 'react';
import { useSession } from '../../stores/session';
import { BatchIntake } from './BatchIntake';
import { ResultsTable } from './ResultsTable';
import { RunHistory } from './RunHistory';
import { RunPanel } from './RunPanel';
import { SubmissionDrawer } from './SubmissionDrawer';

export function Batches() {
  const runId = useSession((s) => s.runId);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="batches-h" className={runId && open ? 'screen with-drawer' : 'screen'}>
      <header className="screen-head">
        <h1 id="batches-h">Batches</h1>
      </header>
      <BatchIntake />
      <RunPanel />
      <RunHistory />
      {runId && <ResultsTable runId={runId} onOpen={setOpen} />}
      {runId && open && <SubmissionDrawer runId={runId} submissionId={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
