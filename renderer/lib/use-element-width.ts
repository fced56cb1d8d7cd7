/**
 * The content width of an element, from a ResizeObserver: its first report comes with the frame's
 * own layout, so reading the width never forces a synchronous layout the way
 * getBoundingClientRect in an effect would. 0 until the first report.
 */
import { useCallback, useRef, useState } from 'react';

/** Returns a ref callback for the element and its current width in whole pixels. */
export function useElementWidth<T extends HTMLElement>(): [(node: T | null) => void, number] {
  const [width, setWidth] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((node: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!node) return;
    const o = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((old) => (old === w ? old : w));
    });
    o.observe(node);
    observer.current = o;
  }, []);
  return [ref, width];
}
