// EXIF GPS for the GeoTag rule (docs/domain.md §4). A photo without GPS, or with EXIF too broken to read, has none.
import exifr from 'exifr';

export interface Gps {
  latitude: number;
  longitude: number;
}

export async function readGps(bytes: Uint8Array): Promise<Gps | null> {
  try {
    const gps = (await exifr.gps(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) as Partial<Gps> | undefined;
    const { latitude, longitude } = gps ?? {};
    return typeof latitude === 'number' && typeof longitude === 'number' && Number.isFinite(latitude) && Number.isFinite(longitude)
      ? { latitude, longitude }
      : null;
  } catch {
    return null;
  }
}
