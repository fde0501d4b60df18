import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './console.css';
import { Console } from './Console.js';

createRoot(document.getElementById('console')!).render(<Console />);
