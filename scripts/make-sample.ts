// Generates the shipped sample batch: test/fixtures/sample/batch.csv (the real 55-column format) and
// attachments/ (PDF reports, photos), plus manifest.json saying what each row is meant to exercise.
// Deterministic (seeded, fixed PDF dates): re-running it rewrites the same bytes.
//   npx tsx scripts/make-sample.ts [outDir]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { seededRng, type Rng } from '../electron/engine/rng';
import { EXPORT_COLUMNS, csvText, rowCells, syntheticRow, type ExportRow } from '../test/fixtures/generate-batch';

type Intent = 'Accepted' | 'Rejected' | 'Reopen' | 'Review';

interface Event {
  title: string;
  theme: string;
  type: string;
  hours: number;
  students: number;
  faculty: number;
  mode: 'online' | 'offline';
  expert: string;
  objective: string;
  outcome: string;
}

interface Spec extends Event {
  intent: Intent;
  note: string;
  report: 'ok' | 'missing' | 'corrupt' | 'scanned' | 'traversal' | 'no_expert' | 'uploads_layout' | 'basename';
  photos: 'two' | 'one' | 'none' | 'reuse' | 'near_dup' | 'pdf_as_jpg' | 'geotag';
  eventDriven?: string;
}

const FIXED_DATE = new Date(Date.UTC(2025, 0, 15, 10, 0, 0));
const INST = 'IC202411111';

const EVENTS: Event[] = [
  {
    title: 'Design Thinking Workshop for Problem Solving',
    theme: 'Innovation & Design Thinking',
    type: 'Level 2 - Workshop',
    hours: 6,
    students: 64,
    faculty: 6,
    mode: 'offline',
    expert: 'Dr. Meera Iyer, Professor of Product Design',
    objective: 'To train students in design thinking methods for real campus problems.',
    outcome: 'Students applied empathy maps and rapid prototyping to three campus problems.',
  },
  {
    title: 'Expert Talk on Patent Filing and Prior-Art Search',
    theme: 'IPR & Technology Transfer',
    type: 'Level 1 - Expert Talk',
    hours: 3,
    students: 82,
    faculty: 9,
    mode: 'offline',
    expert: 'Mr. Rohan Kulkarni, Patent Attorney',
    objective: 'To explain how patents are filed and how prior art is searched.',
    outcome: 'Participants learned to search patent databases and draft a claim.',
  },
  {
    title: 'Startup Funding Basics: From Bootstrapping to Seed',
    theme: 'Entrepreneurship & Startup',
    type: 'Level 1 - Expert Talk',
    hours: 2.5,
    students: 120,
    faculty: 8,
    mode: 'online',
    expert: 'Ms. Ananya Rao, Angel Investor',
    objective: 'To introduce funding stages and what investors look for.',
    outcome: 'Students understood term sheets, valuation basics and grant schemes.',
  },
  {
    title: 'Pre-Incubation Readiness Bootcamp',
    theme: 'Pre-Incubation & Incubation Management',
    type: 'Level 3 - Bootcamp',
    hours: 12,
    students: 45,
    faculty: 5,
    mode: 'offline',
    expert: 'Dr. Sanjay Mehta, Incubation Manager',
    objective: 'To prepare student teams for admission to the campus incubator.',
    outcome: 'Nine teams completed lean canvases and incubation applications.',
  },
  {
    title: 'Hackathon on Smart Campus Solutions',
    theme: 'Innovation & Design Thinking',
    type: 'Level 4 - Competition/Hackathon',
    hours: 24,
    students: 150,
    faculty: 12,
    mode: 'offline',
    expert: 'Mr. Arjun Nair, CTO of a local startup (jury chair)',
    objective: 'To build working prototypes for smart campus challenges in 24 hours.',
    outcome: 'Twenty teams built prototypes; three were selected for incubation.',
  },
  {
    title: 'Seminar on Technology Transfer and Licensing',
    theme: 'IPR & Technology Transfer',
    type: 'Level 2 - Seminar',
    hours: 5,
    students: 58,
    faculty: 14,
    mode: 'offline',
    expert: 'Dr. K. Lakshmi, Technology Transfer Officer',
    objective: 'To explain licensing models for university technologies.',
    outcome: 'Participants compared exclusive and non-exclusive licences with case studies.',
  },
  {
    title: 'Business Model Canvas Workshop',
    theme: 'Entrepreneurship & Startup',
    type: 'Level 2 - Workshop',
    hours: 7,
    students: 72,
    faculty: 4,
    mode: 'offline',
    expert: 'Ms. Priya Menon, Startup Mentor',
    objective: 'To teach students to describe a venture with the business model canvas.',
    outcome: 'Each team presented a complete canvas for its idea.',
  },
  {
    title: 'Mentoring Session on Incubator Operations',
    theme: 'Pre-Incubation & Incubation Management',
    type: 'Level 1 - Mentoring Session',
    hours: 3,
    students: 30,
    faculty: 6,
    mode: 'online',
    expert: 'Mr. Vikram Shah, Incubator CEO',
    objective: 'To mentor the incubation committee on running programmes.',
    outcome: 'The committee drafted a selection process and a mentoring calendar.',
  },
  {
    title: 'Ideation Challenge on Sustainable Packaging',
    theme: 'Innovation & Design Thinking',
    type: 'Level 3 - Competition/Hacakthon',
    hours: 10,
    students: 96,
    faculty: 7,
    mode: 'offline',
    expert: 'Dr. Farah Khan, Materials Scientist (judge)',
    objective: 'To generate ideas for sustainable packaging through a team challenge.',
    outcome: 'Students pitched 18 ideas; the best five received mentoring.',
  },
  {
    title: 'Demo Day for Student Startups',
    theme: 'Entrepreneurship & Startup',
    type: 'Level 3 - Demo Day',
    hours: 9,
    students: 110,
    faculty: 15,
    mode: 'offline',
    expert: 'Mr. Rahul Verma, Venture Partner (keynote speaker)',
    objective: 'To let student startups demonstrate products to investors.',
    outcome: 'Eight startups demonstrated products and two received follow-up meetings.',
  },
  {
    title: 'Copyright and Trademarks for Innovators',
    theme: 'IPR & Technology Transfer',
    type: 'Level 1 - Expert Talk',
    hours: 2,
    students: 66,
    faculty: 5,
    mode: 'online',
    expert: 'Adv. Neha Joshi, IP Lawyer',
    objective: 'To explain copyright and trademark protection for student work.',
    outcome: 'Participants learned when to register a trademark and how copyright applies to code.',
  },
  {
    title: 'Exposure Visit to a Technology Business Incubator',
    theme: 'Pre-Incubation & Incubation Management',
    type: 'Level 1 - Exposure Visit',
    hours: 4,
    students: 40,
    faculty: 3,
    mode: 'offline',
    expert: 'Ms. Kavita Desai, Incubator Programme Lead (facilitator)',
    objective: 'To show students how an incubator supports startups.',
    outcome: 'Students met five incubated startups and learned about incubation support.',
  },
];

/** Which event each row is, and what it should exercise. 30 rows. */
function specs(): Spec[] {
  const e = (i: number) => EVENTS[i % EVENTS.length]!;
  const s: Spec[] = [];
  const add = (ev: Event, intent: Intent, note: string, report: Spec['report'] = 'ok', photos: Spec['photos'] = 'two', extra: Partial<Spec> = {}) =>
    s.push({ ...ev, intent, note, report, photos, ...extra });
  for (let i = 0; i < 12; i++) add(e(i), 'Accepted', 'complete and consistent: report with expert and participants, two photos with a banner');
  add(e(0), 'Accepted', 'report given as uploads-2024-25/... path for event_driven 1 (direct look-up)', 'uploads_layout', 'two', {
    eventDriven: '1',
  });
  add(e(1), 'Accepted', 'event_driven 3 report stored under uploads/institutes/ (look-up (b))', 'ok', 'two', {
    title: 'Workshop on Filing Indian Patents',
    eventDriven: '3',
  });
  add(e(2), 'Accepted', 'report stored in another folder: found by its unique base name (look-up (c))', 'basename');
  add(e(3), 'Accepted', 'one photo only (photo2 is "0"); photo1 carries EXIF GPS', 'ok', 'geotag');
  add(e(4), 'Rejected', 'declared Level 1 but 30 h, 12 participants, no theme: cannot reach the threshold', 'ok', 'two', {
    type: 'Level 1 - Expert Talk',
    hours: 30,
    students: 10,
    faculty: 2,
    theme: '',
  });
  add(
    e(5),
    'Rejected',
    'photo1 is the same file as row 1 photo1 (identical duplicate); duration in a level gap (4.5 h); 14 participants',
    'ok',
    'reuse',
    { hours: 4.5, students: 12, faculty: 2 },
  );
  add(e(6), 'Rejected', 'photo1 is row 2 photo1 re-encoded and resized (near duplicate); 8 participants; level mismatch', 'ok', 'near_dup', {
    students: 6,
    faculty: 2,
    type: 'Level 4 - Challenges',
  });
  add(e(7), 'Rejected', 'negative duration (-3 h) and a report with no expert details', 'no_expert', 'two', { hours: -3, students: 9, faculty: 1 });
  add(e(8), 'Reopen', 'report file missing from attachments', 'missing');
  add(e(9), 'Reopen', 'report is a corrupt PDF', 'corrupt');
  add(e(10), 'Reopen', 'report path climbs out of the root (../../etc/passwd): refused, never read', 'traversal');
  add(e(11), 'Reopen', 'no photos (photo1 and photo2 are "0")', 'ok', 'none');
  add(e(0), 'Reopen', 'the only photo is a PDF named .jpg (mislabelled)', 'ok', 'pdf_as_jpg', { title: 'Design Sprint for Assistive Devices' });
  add(e(1), 'Reopen', 'photo files missing and report missing', 'missing', 'none');
  add(e(2), 'Review', 'scanned report: an image-only PDF with no text layer (PDF rules undetermined on the text-only path)', 'scanned');
  add(e(5), 'Review', 'scanned report, one photo', 'scanned', 'one');
  add(e(8), 'Accepted', 'complete; online event with screen-share style photos', 'ok', 'two', { mode: 'online' });
  add(e(9), 'Accepted', 'complete; large participation', 'ok', 'two', { students: 240, faculty: 20 });
  return s;
}

/** A synthetic event photo: a banner with the title, a stage, and a crowd of "people". */
function sceneSvg(rng: Rng, banner: string, people: number, online: boolean): Buffer {
  const w = 640;
  const h = 420;
  const hue = Math.floor(rng.next() * 360);
  const shapes: string[] = [`<rect width="${w}" height="${h}" fill="hsl(${hue},25%,${60 + Math.floor(rng.next() * 25)}%)"/>`];
  // Large random blocks make unrelated scenes far apart in pHash, as unrelated photos are.
  for (let i = 0; i < 4; i++) {
    const x = Math.floor(rng.next() * w * 0.8);
    const y = Math.floor(rng.next() * h * 0.8);
    shapes.push(
      `<rect x="${x}" y="${y}" width="${120 + Math.floor(rng.next() * 260)}" height="${80 + Math.floor(rng.next() * 200)}" fill="hsl(${(hue + 60 * (i + 1)) % 360},45%,${25 + Math.floor(rng.next() * 50)}%)"/>`,
    );
  }
  const bx = 30 + Math.floor(rng.next() * 80);
  shapes.push(`<rect x="${bx}" y="20" width="${w - 2 * bx}" height="64" rx="6" fill="#1d3a8a"/>`);
  shapes.push(
    `<text x="${w / 2}" y="62" font-family="sans-serif" font-size="22" font-weight="bold" fill="#fff" text-anchor="middle">${escapeXml(banner.slice(0, 44))}</text>`,
  );
  if (online) {
    // A video-call grid: one tile per participant.
    const cols = 6;
    for (let i = 0; i < Math.min(people, 24); i++) {
      const x = 40 + (i % cols) * 95;
      const y = 110 + Math.floor(i / cols) * 72;
      shapes.push(
        `<rect x="${x}" y="${y}" width="88" height="64" fill="#222"/><circle cx="${x + 44}" cy="${y + 28}" r="14" fill="hsl(${(i * 37) % 360},40%,60%)"/>`,
      );
    }
  } else {
    for (let i = 0; i < Math.min(people, 40); i++) {
      const x = 40 + (i % 10) * 58 + Math.floor(rng.next() * 10);
      const y = 230 + Math.floor(i / 10) * 46;
      shapes.push(
        `<circle cx="${x}" cy="${y}" r="11" fill="#6b4a3a"/><rect x="${x - 13}" y="${y + 12}" width="26" height="26" rx="6" fill="hsl(${(i * 53) % 360},50%,45%)"/>`,
      );
    }
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${shapes.join('')}</svg>`);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function reportPdf(ev: Event, withExpert: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(ev.title);
  doc.setProducer('event-validator make-sample');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595, 842]);
  let y = 790;
  const line = (text: string, f = font, size = 11) => {
    page.drawText(text, { x: 50, y, size, font: f, color: rgb(0.1, 0.1, 0.1), maxWidth: 495 });
    y -= size + 9;
  };
  line(ev.title, bold, 16);
  line(`Institution's Innovation Council - Activity Report (${ev.type})`);
  line(`Theme: ${ev.theme || 'not stated'}    Mode: ${ev.mode}    Duration: ${ev.hours} hours`);
  y -= 8;
  if (withExpert) line(`Resource person / speaker: ${ev.expert}`, bold);
  line(`Participants: ${ev.students} students and ${ev.faculty} faculty members (total ${ev.students + ev.faculty}).`);
  y -= 8;
  line('Objectives', bold, 12);
  line(ev.objective);
  line('Learning outcomes', bold, 12);
  line(ev.outcome);
  line('Summary', bold, 12);
  line(`The session opened with an introduction by the IIC convenor, followed by ${withExpert ? 'the talk and a hands-on segment' : 'group work'}.`);
  line('Attendance sheets and photographs are attached to this report.');
  return doc.save({ useObjectStreams: false });
}

/** A "scanned" report: a single page that is one JPEG, with no text layer. */
async function scannedPdf(ev: Event): Promise<Uint8Array> {
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="595" height="842"><rect width="595" height="842" fill="#f4f1ea"/>` +
      `<text x="50" y="80" font-family="serif" font-size="20" fill="#333">${escapeXml(ev.title.slice(0, 46))}</text>` +
      `<text x="50" y="130" font-family="serif" font-size="14" fill="#444">Resource person: ${escapeXml(ev.expert.slice(0, 50))}</text>` +
      `<text x="50" y="160" font-family="serif" font-size="14" fill="#444">Participants: ${ev.students + ev.faculty}</text></svg>`,
  );
  const jpg = await sharp(svg).greyscale().jpeg({ quality: 55 }).toBuffer();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const img = await doc.embedJpg(jpg);
  doc.addPage([595, 842]).drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
  return doc.save({ useObjectStreams: false });
}

export interface SampleManifestRow {
  id: string;
  row: number;
  intent: Intent;
  note: string;
}

export async function makeSample(outDir: string): Promise<SampleManifestRow[]> {
  const rng = seededRng(20250115);
  const att = path.join(outDir, 'attachments');
  await rm(outDir, { recursive: true, force: true });
  const write = async (rel: string, bytes: Uint8Array | string) => {
    const p = path.join(att, rel);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, bytes);
  };
  const rows: ExportRow[] = [];
  const manifest: SampleManifestRow[] = [];
  const photoBytes = new Map<number, Buffer>(); // row → its photo1, for reuse by later rows

  const list = specs();
  for (let i = 0; i < list.length; i++) {
    const spec = list[i]!;
    const n = i + 1;
    const row = syntheticRow(rng, n);
    const id = String(410000 + n * 7);
    const stem = `${1000 + n * 37}-${INST}`;
    Object.assign(row, {
      id,
      userId: INST,
      eventId: `S23-${2600000 + n}-${INST}`,
      event_driven: spec.eventDriven ?? '3',
      activity_name: spec.title,
      event_type: spec.type,
      event_theme: spec.theme,
      student_participants: String(spec.students),
      faculty_participants: String(spec.faculty),
      session_type: spec.mode,
      activity_duration: spec.hours.toFixed(1),
      Objective: spec.objective,
      benefit_learning: spec.outcome,
      report: `/monthlyReport/report/${stem}.pdf`,
      photo1: `/monthlyReport/Photograph1/${stem}.jpg`,
      photo2: `/monthlyReport/Photograph2/${stem}.jpg`,
    });

    const reportRel = row.report.slice(1);
    switch (spec.report) {
      case 'ok':
        // event_driven 3/4 rows keep the real layout: uploads/institutes/<path> (look-up (b)) for some rows.
        await write(spec.eventDriven === '3' ? path.join('uploads/institutes', reportRel) : reportRel, await reportPdf(spec, true));
        break;
      case 'no_expert':
        await write(reportRel, await reportPdf(spec, false));
        break;
      case 'uploads_layout':
        row.report = `uploads-2024-25/institutes/monthlyReport/report/${stem}.pdf`;
        await write(row.report, await reportPdf(spec, true));
        break;
      case 'basename':
        await write(`archive/2024-25/${stem}.pdf`, await reportPdf(spec, true));
        break;
      case 'scanned':
        await write(reportRel, await scannedPdf(spec));
        break;
      case 'corrupt': {
        const good = await reportPdf(spec, true);
        await write(reportRel, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(good.subarray(400, 1400))]));
        break;
      }
      case 'traversal':
        row.report = '../../etc/passwd';
        break;
      case 'missing':
        break;
    }

    const people = spec.students + spec.faculty;
    const photo = async (k: number) =>
      sharp(sceneSvg(rng, `IIC | ${spec.title}`, Math.min(people, 40) - k * 3, spec.mode === 'online')).jpeg({ quality: 70, mozjpeg: true });
    switch (spec.photos) {
      case 'two':
      case 'one':
      case 'geotag': {
        const p1 =
          spec.photos === 'geotag'
            ? await (
                await photo(0)
              )
                .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '18/1 31/1 12/1', GPSLongitudeRef: 'E', GPSLongitude: '73/1 51/1 36/1' } })
                .toBuffer()
            : await (await photo(0)).toBuffer();
        photoBytes.set(n, p1);
        await write(row.photo1.slice(1), p1);
        if (spec.photos === 'two') await write(row.photo2.slice(1), await (await photo(1)).toBuffer());
        else row.photo2 = '0';
        break;
      }
      case 'reuse': // the very same bytes as row 1's photo1
        await write(row.photo1.slice(1), photoBytes.get(1)!);
        await write(row.photo2.slice(1), await (await photo(1)).toBuffer());
        break;
      case 'near_dup': // row 2's photo1, resized and re-encoded
        await write(row.photo1.slice(1), await sharp(photoBytes.get(2)!).resize(480).jpeg({ quality: 50 }).toBuffer());
        row.photo2 = '0';
        break;
      case 'pdf_as_jpg':
        await write(row.photo1.slice(1), await reportPdf(spec, true));
        row.photo2 = '0';
        break;
      case 'none':
        row.photo1 = '0';
        row.photo2 = '0';
        break;
    }
    rows.push(row);
    manifest.push({ id, row: n, intent: spec.intent, note: spec.note });
  }

  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'batch.csv'), csvText(EXPORT_COLUMNS, rows.map(rowCells)));
  await writeFile(path.join(outDir, 'manifest.json'), JSON.stringify({ generatedBy: 'scripts/make-sample.ts', rows: manifest }, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.resolve(process.argv[2] ?? path.join(repoRoot, 'test/fixtures/sample'));
  const manifest = await makeSample(out);
  const count = (i: Intent) => manifest.filter((m) => m.intent === i).length;
  console.log(
    `wrote ${manifest.length} rows to ${path.relative(process.cwd(), out) || '.'}: ${count('Accepted')} Accepted, ${count('Rejected')} Rejected, ${count('Reopen')} Reopen, ${count('Review')} Review (intended)`,
  );
}
