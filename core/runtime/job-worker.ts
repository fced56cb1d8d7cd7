// Entry module of every lake job process, under child_process.fork (Node hosts) and Electron's
// utilityProcess alike: the port adapter in worker-main hides the difference. Electron loads a
// bundled copy of this module; the Node launcher runs it from source through tsx.
import { runLakeJob } from './lake-job.ts';
import { runWorker } from '../process/worker-main.ts';

runWorker(runLakeJob);
