// Auto-pagination over a page-numbered service (queryOrders): iterate items across pages, or fetch one page.
// Iteration stops at the last page, and also on an empty page or a page number that does not advance, so a
// gateway that miscounts can never make it loop forever.
import type { PageList, PaginationHint, WithPsn } from './service-caller.js';

export function createPageList<TItem, TPage>(
  params: Record<string, unknown>,
  hint: PaginationHint,
  fetchPage: (params: Record<string, unknown>) => Promise<WithPsn<TPage>>,
): PageList<TItem, TPage> {
  // Params that are not an object (null, a string, an array from plain JavaScript) are passed on as they are, so the
  // first page request fails validation with a ValidationError, like any other bad params, rather than here.
  const isObject = typeof params === 'object' && params !== null && !Array.isArray(params);
  const firstPageNo = isObject && typeof params[hint.pageParam] === 'number' ? (params[hint.pageParam] as number) : 1;
  const page = (pageNo = firstPageNo) => fetchPage(isObject ? { ...params, [hint.pageParam]: pageNo } : params);

  async function* pages(): AsyncGenerator<WithPsn<TPage>> {
    let pageNo = firstPageNo;
    for (;;) {
      const current = await page(pageNo);
      yield current;
      const fields = current as Record<string, unknown>;
      const items = fields[hint.items];
      const currentPage = Number(fields[hint.currentPage]);
      const lastPage = Number(fields[hint.lastPage]);
      if (!Array.isArray(items) || items.length === 0 || !(currentPage < lastPage) || currentPage < pageNo) return;
      pageNo = currentPage + 1;
    }
  }

  return {
    page,
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const current of pages()) yield* (current as Record<string, unknown>)[hint.items] as TItem[];
    },
  };
}
