// Entry of the chat panel's browser bundle (dist/webview.js, loaded by the view's HTML with a nonce).
import { ChatApp } from './app';
import { getVsCodeApi } from './vscodeApi';

const root = document.getElementById('root') ?? document.body;
new ChatApp(root, getVsCodeApi()).start();
