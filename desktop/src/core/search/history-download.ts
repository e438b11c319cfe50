import type { HistoryDownloadState } from '../../common/search-contract';
import type { EngineLogger } from '../emitter';
import type { LocalStore } from '../local-store/index';
import type { SyncEngine } from '../sync-engine';

/** Meta key: set while "Download all history" has chats left, so a restart resumes it. */
const WANTED_KEY = 'history_download';
/** After a failed page (offline, a server restart), the next try waits this long. */
const RETRY_MS = 5_000;

/**
 * "Download all history" (issue #16): a new device holds only the newest page of each chat; this
 * pages every chat's older history from the server in the background, newest chats first, so
 * search covers everything. Resumable: each page is stored as it comes (the chat's oldest_seq and
 * history_complete say how far it is), and the wish itself is kept in the cache, so a restart
 * carries on where it stopped.
 */
export class HistoryDownload {
  private running = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: LocalStore,
    private readonly engine: Pick<SyncEngine, 'fetchOlder'>,
    private readonly progress: (state: HistoryDownloadState) => void,
    private readonly logger: EngineLogger,
  ) {}

  state(): HistoryDownloadState {
    const chats = this.store.conversations();
    const complete = chats.filter((c) => c.history_complete === 1).length;
    return {
      active: this.store.getMeta(WANTED_KEY) !== null,
      chatsComplete: complete,
      chats: chats.length,
    };
  }

  /** Starts (or resumes) the download; answers at once with where it stands. */
  start(): HistoryDownloadState {
    this.store.setMeta(WANTED_KEY, 'wanted');
    this.run();
    return this.state();
  }

  /** On sign-in: carries on with a download a previous run did not finish. */
  resume(): void {
    if (this.store.getMeta(WANTED_KEY) !== null) this.run();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
    });
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      // Newest chats first (the list's order): the ones the person is likely to search.
      const next = this.store.conversations().find((c) => c.history_complete === 0);
      if (next === undefined) {
        this.store.setMeta(WANTED_KEY, null);
        this.progress(this.state());
        return;
      }
      try {
        await this.engine.fetchOlder(next.id);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn('history download paused', { error: String(error) });
        this.timer = setTimeout(() => {
          this.timer = null;
          this.run();
        }, RETRY_MS);
        return;
      }
      if (this.stopped) return;
      this.progress(this.state());
    }
  }
}
