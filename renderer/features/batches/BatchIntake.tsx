// Drop or open a batch file and its attachments folder, see the mapped preview and its problems, then start.
import { useRef, useState } from 'react';
import type { BatchPreview } from '../../../shared/api';
import type { Submission } from '../../../shared/domain';
import { CompactTable, type Column } from '../../components/CompactTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fmtInt } from '../../components/format';
import { visibleControls } from '../../components/visible-controls';
import { api, platform, type PickedFolder } from '../../platform';
import { useIntake, type Chosen } from '../../stores/intake';
import { useSession } from '../../stores/session';
import { BATCH_FILE, folderFromInput, fromDrop } from './pick';
import { PlanPanel } from './PlanPanel';

export function BatchIntake() {
  const selectRun = useSession((s) => s.selectRun);
  const { file, folder, preview, set, clear } = useIntake();
  const setPreview = (p: BatchPreview | null) => set({ preview: p });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  async function refresh(f: Chosen | null, d: Chosen | null) {
    setPreview(null);
    if (!f) return;
    setBusy('Reading the batch file…');
    try {
      setPreview(await api.previewBatch({ file: f.ref, attachments: d?.ref ?? null }));
    } finally {
      setBusy(null);
    }
  }

  async function take(newFile: File | null, newFolder: PickedFolder | null, ignored: string[] = []) {
    setError(ignored.length ? `Ignored ${ignored.join(', ')}: drop a .csv or .xlsx file and an attachments folder.` : null);
    try {
      let f = file;
      let d = folder;
      if (newFile) {
        setBusy(`Uploading ${newFile.name}…`);
        f = { name: newFile.name, ref: await platform.refForFile(newFile) };
        set({ file: f });
      }
      if (newFolder) {
        setBusy(`Reading folder ${newFolder.name}…`);
        d = {
          name: newFolder.name,
          ref: await platform.refForFolder(newFolder, (done, total) =>
            setBusy(`Uploading ${newFolder.name}: ${fmtInt(done)} / ${fmtInt(total)} files`),
          ),
        };
        set({ folder: d });
      }
      if (newFile || newFolder) await refresh(f, d);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(null);
    }
  }

  async function start() {
    if (!file) return;
    setBusy('Starting…');
    setError(null);
    try {
      const { runId } = await api.startBatch({ file: file.ref, attachments: folder?.ref ?? null });
      selectRun(runId);
      clear();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card intake" aria-labelledby="intake-h">
      <h2 id="intake-h">New batch</h2>
      <div
        className={over ? 'dropzone over' : 'dropzone'}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const d = fromDrop(e.dataTransfer);
          void take(d.file, d.folder, d.ignored);
        }}
      >
        <p>
          Drop a <strong>CSV or XLSX</strong> batch file and its <strong>attachments folder</strong> here, or
        </p>
        <div className="row-buttons">
          <button type="button" onClick={() => fileInput.current?.click()}>
            Open batch file…
          </button>
          <button type="button" onClick={() => folderInput.current?.click()}>
            Open attachments folder…
          </button>
        </div>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,.xlsx"
          hidden
          aria-label="Batch file"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void take(BATCH_FILE.test(f.name) ? f : null, null, BATCH_FILE.test(f.name) ? [] : [f.name]);
            e.currentTarget.value = '';
          }}
        />
        <input
          ref={folderInput}
          type="file"
          hidden
          aria-label="Attachments folder"
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            const list = e.currentTarget.files;
            if (list) void take(null, folderFromInput(list));
            e.currentTarget.value = '';
          }}
        />
        <dl className="chosen">
          <div>
            <dt>Batch file</dt>
            <dd data-testid="chosen-file">{file?.name ?? 'none'}</dd>
          </div>
          <div>
            <dt>Attachments</dt>
            <dd data-testid="chosen-folder">{folder?.name ?? 'none (reports and photos will count as missing)'}</dd>
          </div>
        </dl>
      </div>
      {busy && (
        <p role="status" className="muted">
          {busy}
        </p>
      )}
      <ErrorAlert message={error} />
      {preview && <PreviewPanel preview={preview} onStart={start} starting={busy !== null} />}
      {preview && preview.refusal === null && file && <PlanPanel file={file.ref} attachments={folder?.ref ?? null} />}
    </section>
  );
}

const MAPPING_COLUMNS: Column<BatchPreview['mapping'][number]>[] = [
  { header: 'Field', cell: (m) => m.field },
  {
    header: 'Column',
    cell: (m) => m.column ?? (m.required ? 'missing (required)' : 'not present'),
    className: (m) => (m.column ? undefined : m.required ? 'error-text' : 'muted'),
  },
];

const ROW_COLUMNS: Column<Submission>[] = [
  { header: 'Row', cell: (s) => s.row },
  { header: 'Id', cell: (s) => s.id },
  { header: 'Title', cell: (s) => (s.title === null ? '—' : visibleControls(s.title)), className: () => 'clip' },
  { header: 'Theme', cell: (s) => (s.theme === null ? '—' : visibleControls(s.theme)), className: () => 'clip' },
  { header: 'Type', cell: (s) => (s.eventType === null ? '—' : visibleControls(s.eventType)), className: () => 'clip' },
  { header: 'Hours', cell: (s) => s.durationHours ?? '—' },
  { header: 'Participants', cell: (s) => s.participants },
  { header: 'Mode', cell: (s) => s.mode ?? '—' },
  { header: 'Report given', cell: (s) => (s.reportPath ? 'yes' : 'no') },
  { header: 'Photos given', cell: (s) => s.photoPaths.length },
];

/** What a readable file holds: its mapping, problems and first rows (a refused file shows only its refusal). */
function PreviewDetails({ preview }: { preview: BatchPreview }) {
  const missing = preview.mapping.filter((m) => m.column === null && m.required);
  return (
    <>
      <details open={missing.length > 0}>
        <summary>
          Column mapping ({preview.mapping.filter((m) => m.column).length} of {preview.mapping.length} fields found
          {missing.length ? `, ${missing.length} required missing` : ''})
        </summary>
        <CompactTable columns={MAPPING_COLUMNS} rows={preview.mapping} rowKey={(m) => m.field} />
      </details>
      <h4>
        Problems ({fmtInt(preview.problemCount)}){preview.problemCount > preview.problems.length && `, first ${preview.problems.length} shown`}
      </h4>
      {preview.problems.length === 0 ? (
        <p className="muted">None found.</p>
      ) : (
        <ul className="problems">
          {preview.problems.map((p, i) => (
            <li key={i}>
              {p.row !== null ? `Row ${p.row}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <h4>First rows</h4>
      <div className="table-scroll">
        <CompactTable columns={ROW_COLUMNS} rows={preview.firstRows} rowKey={(r) => r.id} />
      </div>
    </>
  );
}

function PreviewPanel({ preview, onStart, starting }: { preview: BatchPreview; onStart(): void; starting: boolean }) {
  const a = preview.attachments;
  return (
    <div className="preview" data-testid="preview">
      {preview.refusal ? (
        <h3>{preview.fileName} cannot be run</h3>
      ) : (
        <h3>
          Preview of {preview.fileName}: {fmtInt(preview.rowCount)} rows ({preview.format.toUpperCase()}
          {preview.encoding ? `, ${preview.encoding}` : ''})
        </h3>
      )}
      {preview.refusal && (
        <p role="alert" className="refusal">
          Refused: {preview.refusal}
        </p>
      )}
      {a && (
        <p className="muted">
          Attachments: {fmtInt(a.reportsFound)} reports found, {fmtInt(a.reportsMissing)} missing · {fmtInt(a.photosFound)} photos found,{' '}
          {fmtInt(a.photosMissing)} missing
        </p>
      )}
      {preview.refusal === null && <PreviewDetails preview={preview} />}
      <div className="row-buttons">
        <button type="button" className="primary" disabled={preview.refusal !== null || starting} onClick={onStart}>
          Start batch ({fmtInt(preview.rowCount)} rows)
        </button>
      </div>
    </div>
  );
}
