import { isPublicAddress } from '@chitchat/shared';

/**
 * Which addresses the link-preview fetch may connect to. Checked on the address a name resolves
 * to (so a name that resolves to 127.0.0.1 is refused like 127.0.0.1 itself) and again on the
 * address the socket actually connected to. Injectable so a test can allow its one local server.
 */
export interface AddressPolicy {
  allows(address: string, port: number): boolean;
}

/** The default: public addresses only, any port. */
export const PUBLIC_ADDRESSES_ONLY: AddressPolicy = {
  allows: (address) => isPublicAddress(address),
};
