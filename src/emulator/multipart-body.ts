import type { FastifyRequest } from 'fastify';
import { type GraphError, invalidParam } from './graph-errors.ts';
import { setMultipartFields } from './graph-params.ts';

export interface UploadedFile {
  data: Buffer;
  mime: string;
  filename: string;
}

/** Maximum asset size (messenger-platform.md §3.5). */
export const MAX_ASSET_BYTES = 25 * 1024 * 1024;

/**
 * Reads a multipart Graph request: text fields become params (`recipient`, `message` as JSON
 * strings), the `filedata` part is the file (§3.5). Non-multipart requests pass through.
 */
export async function readGraphMultipart(request: FastifyRequest): Promise<{ file?: UploadedFile } | GraphError> {
  if (!request.isMultipart()) return {};
  const fields: Record<string, string> = {};
  let file: UploadedFile | undefined;
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_ASSET_BYTES } })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
      } else if (part.fieldname === 'filedata' && !file) {
        file = { data: await part.toBuffer(), mime: part.mimetype, filename: part.filename };
      } else {
        await part.toBuffer();
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      return invalidParam('Attachment size exceeds allowable limit', 2018109);
    }
    return invalidParam(`Invalid multipart body: ${(error as Error).message}`);
  }
  setMultipartFields(request, fields);
  return file ? { file } : {};
}
