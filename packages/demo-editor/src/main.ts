/**
 * Entry point of the demo page: wires the real session (an Accord `Doc` synced through the
 * relay cluster by a `WebsocketProvider`) into the app and mounts it.
 */
import { AccordApp } from './components/accord-app.js';
import { openSession } from './session/open-session.js';

AccordApp.opener = openSession;
document.body.append(document.createElement('accord-app'));
