/** How to reach the flat-file bucket. Holds secrets: never log it or send it to the renderer. */
export interface S3Access {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}
