/** The wire protocol version this build speaks; sent as `auth.protocol` in the handshake. */
export const PROTOCOL_VERSION = 1;
/** The oldest protocol version a server of this build still accepts. */
export const MIN_PROTOCOL = 1;
