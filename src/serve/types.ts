import type { ServingDecision } from '../experiments/serving-decision.ts';

/** What serving can be asked for. */
export type RecommendKind = 'for-you' | 'similar' | 'bought-together' | 'cart' | 'trending';

/** One recommendation request, whatever the surface (JSON endpoint or widget). */
export interface RecommendRequest {
  kind: RecommendKind;
  /** The shopper (for-you; also excludes what they bought on the other kinds). */
  user?: string;
  /** The item of a product page (similar, bought-together). */
  item?: string;
  /** Items in the cart (cart). */
  items?: string[];
  /** Items of the current session, newest first: they count before any rebuild. */
  recent?: string[];
  /** Only items of this category. */
  category?: string;
  /** How many items. */
  k: number;
  /** Items to skip, for paging. */
  offset?: number;
  /** Also drop items the user already saw (profile history). Bought items are always dropped on for-you. */
  excludeSeen?: boolean;
  /** Title language: `zh` uses the Chinese title where the catalog has one. */
  lang?: 'en' | 'zh';
  /** False: reasons never name items of the shopper's history (a public key without the shopper's token). */
  historyInReasons?: boolean;
  /** An anonymous shopper's visitor or session id: assigns experiment arms without personalising. */
  session?: string;
  /** How to serve it (decided from the running experiments when absent). */
  serving?: ServingDecision;
}

/** One recommended item as the API and widgets show it. */
export interface RecommendedItem {
  id: string;
  title: string;
  price: number | null;
  score: number;
  /** Why it is here: "because you viewed X", "bought together with X", "trending in Y". */
  reason: string;
  url: string | null;
  image: string | null;
}

/** The answer of every recommendation endpoint. */
export interface RecommendResponse {
  items: RecommendedItem[];
  /** Table version that answered (null when no tables were readable). */
  version: string | null;
  /** Recommendation id: send it back with impression and click events. */
  rid: string;
  /** Set when a fallback answered: why. */
  degraded?: string;
  /** The experiment and arm that served the answer, on a surface an experiment covers. */
  experiment?: string;
  arm?: string;
}
