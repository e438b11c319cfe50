/*
 * The first bytes of recordings as browsers make them, for tests: enough for the type sniffer
 * (file-type reads the container's header), followed by silence.
 */

/** The EBML header of a WebM file (DocType "webm"), as MediaRecorder writes Opus in WebM. */
const WEBM_HEADER = [
  0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81,
  0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d, 0x42, 0x87, 0x81, 0x04,
  0x42, 0x85, 0x81, 0x02,
];

/** The first Ogg page of an Opus stream: the page header, then the OpusHead packet. */
const OGG_OPUS_HEADER = Buffer.concat([
  Buffer.from('OggS'),
  Buffer.from([0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x13]),
  Buffer.from('OpusHead'),
  Buffer.from([0x01, 0x01, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]),
]);

const SILENCE_BYTES = 4096;

/** A WebM (Opus) recording's bytes. */
export const webmRecording = (): Buffer =>
  Buffer.concat([Buffer.from(WEBM_HEADER), Buffer.alloc(SILENCE_BYTES)]);

/** An Ogg Opus recording's bytes. */
export const oggOpusRecording = (): Buffer =>
  Buffer.concat([OGG_OPUS_HEADER, Buffer.alloc(SILENCE_BYTES)]);
