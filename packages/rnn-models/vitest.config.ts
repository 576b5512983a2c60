import { rnnkitProject } from '../../vitest.shared.js';

export default rnnkitProject('rnn-models');
