// Shared inputs for the provider integration tests: a real-looking submission, JPEGs and a PDF made on the fly.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import type { Submission } from '../../../shared/domain';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';

export const submission: Submission = {
  id: '310766',
  row: 1,
  title: 'Design Thinking Workshop for Young Innovators',
  objectives: 'Introduce design thinking, empathy mapping and rapid prototyping',
  learningOutcomes: 'Participants can frame problems and build prototypes',
  theme: 'Innovation & Design Thinking',
  eventType: 'Level 2 - Workshop',
  declaredLevel: 2,
  durationHours: 6,
  participants: 48,
  mode: 'offline',
  eventDriven: 1,
  fromDate: null,
  financialYear: null,
  academicYear: null,
  reportPath: null,
  photoPaths: [],
  problems: [],
};

export const REPORT_LINES = [
  'Design Thinking Workshop for Young Innovators',
  'The resource person, Dr. A. Rao, introduced design thinking and empathy mapping.',
  'Teams did rapid prototyping and framed problems. 48 students participated.',
];

export async function reportPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  REPORT_LINES.forEach((line, i) => page.drawText(line, { x: 40, y: 780 - i * 20, size: 11, font }));
  return doc.save();
}

/** A JPEG with random-ish content (noise compresses badly, so size is controllable). */
export async function photo(width: number, height: number, noise = false): Promise<Uint8Array> {
  const img = noise
    ? sharp(Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 2654435761) % 251)), { raw: { width, height, channels: 3 } })
    : sharp({ create: { width, height, channels: 3, background: '#5a7d9a' } });
  return new Uint8Array(await img.jpeg({ quality: 95 }).toBuffer());
}

export const never = () => new AbortController().signal;

export async function simulator(): Promise<Simulator> {
  return startSimulator({ timeScale: 0, preset: 'free', seed: 7 });
}
