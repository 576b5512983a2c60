import { rnnkitProject } from '../../vitest.shared.js';

export default rnnkitProject('core');
