// Entry of the usage dashboard's browser bundle (dist/usage.js, with uPlot). Its CSS, uPlot's and
// the panel's own, comes out as one dist/usage.css: one request fewer before the script may run.
// Loaded by the panel's HTML with a nonce.
import 'uplot/dist/uPlot.min.css';
import '../../../media/usage.css';
import { getVsCodeApi } from '../vscodeApi';
import { UsageApp } from './app';

// Marks for the open time's breakdown (the UI test reads them; free otherwise).
performance.mark('usage:script');
const root = document.getElementById('root') ?? document.body;
new UsageApp(root, getVsCodeApi()).start();
