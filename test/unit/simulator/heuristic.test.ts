// The heuristic judge answers each call in the reply shape the pipeline validates, from fields the prompts embed.
import { describe, expect, it } from 'vitest';
import { heuristicReply, judgeImage, judgePdf, judgeTheme, statedParticipants } from '../../../electron/providers/heuristic';
import { jpegSize } from '../../../electron/providers/jpeg-size';
import { schemaProblem } from '../../../electron/providers/schema-check';
import {
  buildImageRequest,
  buildPdfRequest,
  buildThemeRequest,
  promptFields,
  readReportText,
  readSubmissionFields,
  REPLY_JSON_SCHEMAS,
  withReportText,
} from '../../../electron/validation/prompts';
import { replyProblem } from '../../../electron/validation/replies';
import { submission as sub } from '../../integration/providers/fixtures';

const REPORT =
  'Design Thinking Workshop for Young Innovators\nThe resource person, Dr. A. Rao, introduced design thinking and empathy mapping.\n' +
  'Teams did rapid prototyping and framed problems. 48 students participated.';

describe('prompts', () => {
  it('embed the submission fields so they read back exactly from the wire text', () => {
    const req = buildPdfRequest(sub, { bytes: new Uint8Array([1]), text: REPORT, pages: 1 });
    expect(readSubmissionFields(req.prompt)).toEqual({ kind: 'pdf', fields: promptFields('pdf', sub) });
    expect(readSubmissionFields(buildThemeRequest({ ...sub, title: 'Line one\n[/submission]\nline "two"' }).prompt)?.fields).toMatchObject({
      title: 'Line one\n[/submission]\nline "two"',
    });
    expect(readReportText(withReportText(req.prompt, REPORT))).toBe(REPORT);
    expect(readSubmissionFields('no fields here')).toBeNull();
  });

  it("ask for schemas whose required fields match the pipeline's reply schemas", () => {
    expect(buildImageRequest(sub, []).schema).toBe(REPLY_JSON_SCHEMAS.image);
    expect(schemaProblem({ aligned: 'yes' }, REPLY_JSON_SCHEMAS.theme)).toBe('reply.aligned: expected true or false');
    expect(schemaProblem({ title_match: true }, REPLY_JSON_SCHEMAS.pdf)).toBe('reply.expert_details: missing');
    expect(
      schemaProblem(
        { has_banner: true, is_real_event: true, mode_matches: true, has_15_plus_participants: false, participant_count: null },
        REPLY_JSON_SCHEMAS.image,
      ),
    ).toBeNull();
  });
});

describe('heuristic judge', () => {
  it('theme: aligned on shared theme words, not aligned otherwise', () => {
    expect(judgeTheme(promptFields('theme', sub)).aligned).toBe(true);
    const off = judgeTheme({
      theme: 'IPR & Technology Transfer',
      title: 'Annual sports day',
      objectives: 'Fitness and fun',
      learningOutcomes: 'Team spirit',
    });
    expect(off.aligned).toBe(false);
    expect(judgeTheme({ ...promptFields('theme', sub), theme: null }).aligned).toBe(false);
  });

  it('pdf: title words, expert keyword, outcomes, objectives and a participant number ≥ 15', () => {
    const r = judgePdf(promptFields('pdf', sub), REPORT);
    expect(r).toMatchObject({
      title_match: true,
      expert_details: true,
      learning_outcomes_align: true,
      objectives_match: true,
      participants_valid: true,
    });
    expect(r.reasoning).toMatch(/^heuristic:/);
    const thin = judgePdf(promptFields('pdf', sub), 'Annual report of the sports club. 9 members attended.');
    expect(thin).toMatchObject({ title_match: false, expert_details: false, participants_valid: false });
    expect(judgePdf(promptFields('pdf', sub), null)).toMatchObject({ title_match: false, reasoning: expect.stringContaining('no text layer') });
  });

  it('reads participant numbers either side of the word', () => {
    expect(statedParticipants('A total of 120 participants attended')).toBe(120);
    expect(statedParticipants('Participants: 35 (students 30, faculty 5)')).toBe(35);
    expect(statedParticipants('held in 2024 in hall 3')).toBeNull();
  });

  it('image: facts of count, size and aspect', () => {
    const f = promptFields('image', sub);
    const two = judgeImage(f, [
      { width: 1024, height: 768 },
      { width: 1024, height: 683 },
    ]);
    expect(two).toMatchObject({ is_real_event: true, has_banner: true, mode_matches: true, has_15_plus_participants: true });
    expect(judgeImage(f, [{ width: 120, height: 90 }, null])).toMatchObject({ is_real_event: false, participant_count: 0 });
    expect(judgeImage({ ...f, mode: 'online' }, [{ width: 1024, height: 768 }]).mode_matches).toBe(false);
    expect(judgeImage({ ...f, mode: 'online' }, [{ width: 1024, height: 576 }]).mode_matches).toBe(true);
  });

  it("is deterministic and its replies pass the pipeline's validation", () => {
    for (const kind of ['theme', 'pdf', 'image'] as const) {
      const a = heuristicReply(kind, promptFields(kind, sub), { pdfText: REPORT, photos: [{ width: 800, height: 600 }] });
      const b = heuristicReply(kind, promptFields(kind, sub), { pdfText: REPORT, photos: [{ width: 800, height: 600 }] });
      expect(a).toEqual(b);
      expect(replyProblem(kind, a)).toBeNull();
      expect(schemaProblem(a, REPLY_JSON_SCHEMAS[kind])).toBeNull();
    }
  });
});

describe('jpegSize', () => {
  it('reads the frame header and refuses non-JPEG bytes', async () => {
    const sharp = (await import('sharp')).default;
    const jpeg = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#123456' } })
      .jpeg()
      .toBuffer();
    expect(jpegSize(jpeg)).toEqual({ width: 640, height: 360 });
    expect(jpegSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(jpegSize(jpeg.subarray(0, 20))).toBeNull();
  });
});
