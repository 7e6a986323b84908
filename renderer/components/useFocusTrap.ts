// Keeps keyboard focus inside an open panel (Tab and Shift+Tab wrap), closes it on Escape wherever focus is, and
// gives focus back to what had it before the panel opened (docs/console.md §10).
import { useEffect, useRef, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, summary, [tabindex]:not([tabindex="-1"])';

/** Tab from the last focusable wraps to the first, Shift+Tab from the first to the last; a focus outside comes back in. */
export function nextInTrap<T>(items: readonly T[], current: T | null, back: boolean): T | null {
  if (items.length === 0) return null;
  const at = current ? items.indexOf(current) : -1;
  if (at === -1) return back ? (items.at(-1) ?? null) : (items[0] ?? null);
  if (back && at === 0) return items.at(-1) ?? null;
  if (!back && at === items.length - 1) return items[0] ?? null;
  return null; // inside and not at an edge: the browser's own order is right
}

export function useFocusTrap(panel: RefObject<HTMLElement | null>, onClose: () => void): void {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const onKey = (e: KeyboardEvent) => {
      const root = panel.current;
      if (!root) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = [...root.querySelectorAll(FOCUSABLE)].filter((el) => (el as HTMLElement).offsetParent !== null);
      const current = root.contains(document.activeElement) ? document.activeElement : null;
      const target = nextInTrap(items, current, e.shiftKey);
      if (target instanceof HTMLElement) {
        e.preventDefault();
        target.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, [panel]);
}
