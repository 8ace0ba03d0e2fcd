// jsdom lacks matchMedia; uPlot asks it for the device pixel ratio when it loads.
if (!window.matchMedia) {
  window.matchMedia = (query) => ({
    matches: false, media: query, onchange: null,
    addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent() { return false; },
  });
}

// A CI machine may be slow and shared: the first render of a view can take longer than the library's 1 s default.
// Waiting longer cannot make a failing assertion pass; it only stops a slow machine from failing a passing one.
import { configure } from '@testing-library/react';
configure({ asyncUtilTimeout: 10000 });
