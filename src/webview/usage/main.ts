// Entry of the usage dashboard's browser bundle (dist/usage.js, with uPlot; its CSS is
// dist/usage.css). Loaded by the panel's HTML with a nonce.
import 'uplot/dist/uPlot.min.css';
import { getVsCodeApi } from '../vscodeApi';
import { UsageApp } from './app';

const root = document.getElementById('root') ?? document.body;
new UsageApp(root, getVsCodeApi()).start();
