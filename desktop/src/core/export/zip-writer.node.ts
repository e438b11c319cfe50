import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { ZipWriter } from './zip-writer';

/** A ZipWriter into a file of the Node host (node:zlib deflates). */
export function fileZipWriter(file: string, modified = new Date()): ZipWriter {
  const fd = openSync(file, 'w');
  return new ZipWriter(
    {
      write(bytes) {
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      },
      close() {
        closeSync(fd);
      },
    },
    (data) => deflateRawSync(data),
    modified,
  );
}
