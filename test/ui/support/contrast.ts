import type { Page } from "playwright-core";

/** WCAG contrast of body, muted and link text against the page; runs in the browser. */
const CONTRAST_SCRIPT = `(() => {
  const lum = (css) => {
    const [r, g, b] = (css.match(/\\d+/g) || []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const bg = lum(getComputedStyle(document.body).backgroundColor);
  const ratio = (sel) => {
    const fg = lum(getComputedStyle(document.querySelector(sel)).color);
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  };
  return [ratio("h1"), ratio(".muted, td.muted"), ratio("main a")];
})()`;

/** The contrast ratios of the page's h1, muted text and links against its background. */
export async function contrastRatios(page: Page): Promise<number[]> {
  return (await page.evaluate(CONTRAST_SCRIPT)) as number[];
}
