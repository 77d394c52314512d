// Internal: not part of the public API, not importable from the package.

/**
 * More items of one kind (images, messages, calls...) than any response has: a stream past this is not a
 * Responses stream, and every operator's state stays bounded. Counted per response.
 */
export const MAX_ITEMS_PER_RESPONSE = 4096;

/** More parts (text parts, summary parts, annotations) than an item has: each item's state stays bounded. */
export const MAX_PARTS_PER_ITEM = 4096;
