// The types the generated resources are written against: how a service is called, what comes back, and the
// shape of a paginated list.
import type { ServiceName, ServiceResult } from '@codepay/models';
import type { CallOptions, ValidationIssue } from '@codepay/transport';
import type { ServiceInputs } from './gen/resources.gen.js';

/** Per-call options: `signal`, `timeout`, `deadline`, and extra `headers` (e.g. the mock's `x-mock-scenario`). */
export type RequestOptions = CallOptions;

/**
 * A result with the gateway's request id attached as a non-enumerable `psn` (it stays out of JSON.stringify;
 * `undefined` when the answer carried none — it is documented in one of the vendor's doc sets only), and,
 * when the verified answer departs from the spec's result schema, a non-enumerable `drift` listing where (the data
 * is returned as it came; the departure is also logged at warn level as `response drift`).
 */
export type WithPsn<T> = T & { readonly psn: string | undefined; readonly drift?: readonly ValidationIssue[] };

/** Where a paginated service keeps its items and page counters (from the spec's `x-codepay-sdk.pagination`). */
export interface PaginationHint {
  items: string;
  pageParam: string;
  currentPage: string;
  lastPage: string;
  /** The count of items in the whole range; `total` when not given (queryOrders' name). */
  total?: string;
}

/**
 * Every item across pages with `for await (const item of list)`; `page()` fetches one page (the `pageNo` in the
 * params, or the number given); `pages()` iterates page by page.
 */
export interface PageList<TItem, TPage> extends AsyncIterable<TItem> {
  page(pageNo?: number): Promise<WithPsn<TPage>>;
  pages(): AsyncIterable<WithPsn<TPage>>;
}

export interface ServiceCaller {
  call<S extends ServiceName>(
    service: S,
    params: ServiceInputs[S],
    options?: RequestOptions,
  ): Promise<WithPsn<ServiceResult<S>>>;
  list<S extends ServiceName, TItem>(
    service: S,
    params: ServiceInputs[S],
    options: RequestOptions | undefined,
    hint: PaginationHint,
  ): PageList<TItem, ServiceResult<S>>;
}
