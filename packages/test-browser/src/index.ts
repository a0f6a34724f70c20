/**
 * @accord/test-browser: the one place where Accord's browser tests get their headless Chromium
 * (`CHROMIUM_PATH`, else `/usr/bin/chromium`, else the build shipped in `@sparticuz/chromium`),
 * and the bundled test page served to it on loopback.
 * @packageDocumentation
 */

export { type BundledPages, bundlePages } from './bundle-pages.js';
export {
  CHROMIUM_ARGS,
  type ChromiumSource,
  chromiumSources,
  type LaunchChromiumOptions,
  launchChromium,
  NoChromiumError,
} from './launch-chromium.js';
export { NPM_CHROMIUM_PACKAGE, npmChromiumPath } from './npm-chromium.js';
export { type EditorPage, type PageStack, type PageStackOptions, startPageStack } from './page-stack.js';
