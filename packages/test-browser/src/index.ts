/**
 * @accord/test-browser: the one place where Accord's browser tests get their headless Chromium
 * (`CHROMIUM_PATH`, else `/usr/bin/chromium`, else the build shipped in `@sparticuz/chromium`).
 * @packageDocumentation
 */
export {
  CHROMIUM_ARGS,
  type ChromiumSource,
  chromiumSources,
  type LaunchChromiumOptions,
  launchChromium,
  NoChromiumError,
} from './launch-chromium.js';
export { NPM_CHROMIUM_PACKAGE, npmChromiumPath } from './npm-chromium.js';
