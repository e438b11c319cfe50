import type { IndexingState } from '../../common/search-contract';
import type { EngineLogger } from '../emitter';
import type { SearchIndex } from '../local-store/search-index';

/** Messages indexed per step: a step holds the engine's thread for a few milliseconds only. */
const BATCH = 1_000;

/**
 * Drives the cache's background (re-)indexing (search-index.ts): one small transaction per turn
 * of the event loop, so start-up, sync and the screen never wait for it; says how far it is.
 */
export class BackgroundIndexer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private lastPercent = -1;

  constructor(
    private readonly index: SearchIndex,
    private readonly progress: (state: IndexingState) => void,
    private readonly logger: EngineLogger,
  ) {}

  state(): IndexingState {
    const progress = this.index.progress();
    return progress === null
      ? { active: false, percent: 100 }
      : { active: true, percent: progress.percent };
  }

  start(): void {
    if (this.index.progress() !== null) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runStep();
    }, 0);
  }

  private runStep(): void {
    if (this.stopped) return;
    let more: boolean;
    try {
      more = this.index.step(BATCH);
    } catch (error) {
      // A closed cache (sign-out mid-step) or a full disk: indexing resumes on the next start.
      this.logger.warn('search indexing paused', { error: String(error) });
      return;
    }
    const state = this.state();
    if (!more || state.percent !== this.lastPercent) {
      this.lastPercent = state.percent;
      this.progress(more ? state : { active: false, percent: 100 });
    }
    if (more) this.schedule();
  }
}
