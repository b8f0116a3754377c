/**
 * S3 calls against the AWS emulator (emulator/server.ts) for the S3 backend test, with the
 * AWS SDK: create a bucket, list it with the body of each lock file, and watch the listing
 * change while Terraform runs.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { emulatorClientConfig } from "../../emulator/server";

/** Path-style addressing: the emulator answers on 127.0.0.1, where `<bucket>.127.0.0.1` would not resolve. */
export const s3Client = (endpoint: string) => new S3Client({ ...emulatorClientConfig(endpoint), forcePathStyle: true });

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** The body of a `*.tflock` object, as Terraform writes it (or why it could not be read). */
type LockInfo = { ID?: string; Operation?: string; Path?: string; Who?: string; Version?: string; unreadable?: string };

export interface S3Listing {
  keys: string[];
  locks: Record<string, LockInfo>;
}

export async function listing(client: S3Client, bucket: string): Promise<S3Listing> {
  const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  const keys = Contents.map((object) => object.Key!).sort();
  const locks: S3Listing["locks"] = {};
  for (const key of keys.filter((key) => key.endsWith(".tflock"))) {
    try {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      locks[key] = JSON.parse(await Body!.transformToString()) as LockInfo;
    } catch (error) {
      // Released between the listing and the read.
      locks[key] = { unreadable: (error as Error).message };
    }
  }
  return { keys, locks };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every change of a bucket's listing, polled every 50 ms from creation until stop(). */
export class BucketWatch {
  /** Every listing seen, with the time it was seen (ms since the epoch). */
  readonly seen: (S3Listing & { at: number })[] = [];
  private stopped = false;
  private failure: Error | undefined;
  private readonly polling: Promise<void>;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    this.polling = this.poll();
  }

  private async poll(): Promise<void> {
    let last = "";
    while (!this.stopped) {
      try {
        const now = await listing(this.client, this.bucket);
        if (JSON.stringify(now) !== last) {
          this.seen.push({ ...now, at: Date.now() });
          last = JSON.stringify(now);
        }
      } catch (error) {
        this.failure = error as Error;
        return;
      }
      await sleep(50);
    }
  }

  /** The first listing (already seen or to come) that matches, or an error after timeoutMs. */
  async until(predicate: (listing: S3Listing) => boolean, timeoutMs: number, what: string): Promise<S3Listing & { at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(predicate);
      if (found) return found;
      if (this.failure) throw new Error(`the bucket watch failed before ${what}: ${this.failure.message}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; seen: ${JSON.stringify(this.seen)}`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.polling;
  }
}
