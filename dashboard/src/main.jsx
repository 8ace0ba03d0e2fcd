import { createRoot } from 'react-dom/client';
import App from './App.jsx';
import './styles.css';

// A theme chosen with the header's toggle wins over the system's preference (styles.css follows it otherwise).
const chosenTheme = localStorage.getItem('vigil.theme');
if (chosenTheme === 'dark' || chosenTheme === 'light') {
  document.documentElement.dataset.theme = chosenTheme;
}

createRoot(document.getElementById('root')).render(<App />);
