// Auto-pagination over a page-numbered service (queryOrders): iterate items across pages, or fetch one page.
// Iteration trusts the gateway's counters only to stop, never to go on: it stops at `last_page`, once `total` items
// were seen, on an empty page, on a page other than the one asked for, and before a page number that would not be
// exact (2^53 and beyond), so a gateway that miscounts can never make it loop forever or ask for one page twice.
import type { PageList, PaginationHint, WithPsn } from './service-caller.js';

/** A counter from the answer as a number, or undefined when it is not a non-negative safe integer. */
function counter(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^[0-9]{1,20}$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

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
  const totalField = hint.total ?? 'total';

  async function* pages(): AsyncGenerator<WithPsn<TPage>> {
    let pageNo = firstPageNo;
    // Items seen so far, counting the pages before the first one asked for as full (their size: the first page's).
    let seen: number | undefined;
    for (;;) {
      const current = await page(pageNo);
      yield current;
      const fields = current as Record<string, unknown>;
      const items = fields[hint.items];
      const currentPage = counter(fields[hint.currentPage]);
      const lastPage = counter(fields[hint.lastPage]);
      const total = counter(fields[totalField]);
      if (!Array.isArray(items) || items.length === 0) return;
      // Another page than the one asked for, or no usable counters: nothing says where the next page is.
      if (currentPage === undefined || currentPage !== pageNo || lastPage === undefined || currentPage >= lastPage)
        return;
      seen = (seen ?? (pageNo - 1) * items.length) + items.length;
      if (total !== undefined && seen >= total) return;
      const next = currentPage + 1;
      if (!Number.isSafeInteger(next)) return;
      pageNo = next;
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
