import { useAppState, type AppStore } from '../../state/store';
import './search.css';

/** "Indexing messages… 42%" under the search field while the engine indexes for search. */
export function IndexingNote({ store }: { store: AppStore }) {
  const indexing = useAppState(store, (s) => s.indexing);
  if (indexing === null) return null;
  return (
    <p className="indexing-note" role="status">
      Indexing messages… {indexing.percent}%
    </p>
  );
}
