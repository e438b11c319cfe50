import { ApiError } from './api-client';
import { RequestFailed } from './requests';

/** An error crossing the contract, with a stable code the screen can switch on. */
export class ChatClientError extends Error {
  override name = 'ChatClientError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a server request, turning transport errors into contract errors. */
export async function remote<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RequestFailed || error instanceof ApiError)
      throw new ChatClientError(error.code, error.message);
    throw error;
  }
}
