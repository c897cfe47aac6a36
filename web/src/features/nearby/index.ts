export { NearbyPage } from './components/NearbyPage';
