export { ViewBuilder } from './view-builder';
export type { Marks } from './marks';
export { splitSnippet } from './search-hit';
