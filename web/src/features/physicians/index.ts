export { FindPage } from './components/FindPage';
