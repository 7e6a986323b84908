// For the preview: how many reports and photos of the batch resolve under the attachments root.
import type { AttachmentSummary } from '../../../shared/batch';
import type { Submission } from '../../../shared/domain';
import { createAttachmentResolver, type AttachmentOptions } from './attachments';

const PARALLEL = 16;

export async function summarizeAttachments(
  submissions: readonly Submission[],
  root: string,
  opts: AttachmentOptions = {},
): Promise<AttachmentSummary> {
  // The preview never downloads: it only says whether the files are there.
  const resolver = await createAttachmentResolver(root, { ...opts, allowUrlDownloads: false });
  const summary: AttachmentSummary = { root: resolver.root, reportsFound: 0, reportsMissing: 0, photosFound: 0, photosMissing: 0 };
  let next = 0;
  async function lane(): Promise<void> {
    while (next < submissions.length) {
      const sub = submissions[next++]!;
      if (sub.reportPath === null) summary.reportsMissing++;
      else if ((await resolver.resolve(sub.reportPath, sub.eventDriven)).ok) summary.reportsFound++;
      else summary.reportsMissing++;
      for (const p of sub.photoPaths) {
        if ((await resolver.resolve(p, sub.eventDriven)).ok) summary.photosFound++;
        else summary.photosMissing++;
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return summary;
}
