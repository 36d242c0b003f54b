/**
 * The request bodies of FoxAPI's two doc pages (shared/seeds/000_… and 002_…), as the exact JSON strings FoxAPI
 * should receive. Copied byte for byte from the seed files: the Kling prompt there uses the ASCII comma (U+002C);
 * lib/testing/seeds.test.ts checks these against the seed files (and fails in CI when they are missing).
 */
export const KLING_SEED_JSON =
  '{"model":"kling-o3-video-to-video-edit","prompt":"基于 @Video1,将整体场景改成黄昏金色调,并把天空替换成层次丰富的晚霞云层","resolution":"720p","video_url":"https://samplelib.com/lib/preview/mp4/sample-5s.mp4","keep_audio":false,"elements":[{"frontal_image_url":"https://picsum.photos/id/237/768/1024.jpg","reference_image_urls":["https://picsum.photos/id/1062/768/1024.jpg"]}]}';

export const VEO_SEED_JSON =
  '{"model":"veo-3.1-extend","prompt":"The camera continues to pan across the landscape","video_url":"https://example.com/input-video.mp4","aspect_ratio":"16:9","generate_audio":true}';
