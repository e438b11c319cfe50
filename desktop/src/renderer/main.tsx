import '../common/shell';
import { mountApp } from './mount';

mountApp(window.chitchatHost);
