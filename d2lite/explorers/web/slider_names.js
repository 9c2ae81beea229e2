// Names and spoken values for the sliders of d2lite.explore (d2lite/explorers/kernel_explorer.py).
//
// ipywidgets 8.1 draws each slider's handle with noUiSlider: a <div class="noUi-handle"
// role="slider"> with no accessible name, whose aria-valuetext is noUiSlider's own number (for
// a log slider the exponent: 0.398 is read "-0.3999999999999999").  The kernel sends this file,
// followed by one call of nameSliders, as the application/javascript output of a hidden
// ipywidgets Output inside the explorer; JupyterLab and Notebook 7 run it (an Output widget's
// outputs are trusted).  It only sets, on each handle of this explorer:
//   aria-label      the slider's label (from Python: its description, ", log scale" on a log one)
//   aria-valuetext  the readout shown beside the slider, kept equal to it at every change
// and role="status" on the (persistent) element holding the explorer's status line.
// Where it does not run (an untrusted notebook shows no widgets at all; a front end that runs no
// scripts) the explorer works as before.
//
// config = {root: class of the explorer's box, sliders: {class of a slider: its label},
//           status: class of the status widget}
function nameSliders(element, config) {
  const set = (node, name, value) => {
    if (node && node.getAttribute(name) !== value) node.setAttribute(name, value);
  };
  // Idempotent: called for every change under the explorer, it writes only what differs, so its
  // own writes end the chain.  noUiSlider rewrites aria-valuetext at every move and builds new
  // handles when the slider is made again (min or max changed): both are seen here.
  const sync = (root) => {
    for (const [name, label] of Object.entries(config.sliders)) {
      const slider = root.querySelector('.' + name);
      const handle = slider && slider.querySelector('.noUi-handle');
      if (!handle) continue;
      set(handle, 'aria-label', label);
      const readout = slider.querySelector('.widget-readout');
      if (readout && readout.textContent.trim()) set(handle, 'aria-valuetext', readout.textContent.trim());
    }
    set(root.querySelector('.' + config.status + ' .widget-html-content'), 'role', 'status');
  };
  const watch = (root) => {
    if (root.dataset.d2liteNamed) return;  // each view of the explorer is watched once
    root.dataset.d2liteNamed = '1';
    sync(root);
    new MutationObserver(() => sync(root)).observe(root, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ['aria-valuetext', 'aria-label', 'role'],
    });
  };
  // The output is rendered before it is in the page: wait (up to a minute) until it is, then
  // name the explorer it belongs to.  Without `element` (a front end that does not pass it),
  // every view of this explorer in the page.
  let tries = 0;
  const find = () => {
    const mine = element && element.isConnected ? element.closest('.' + config.root) : null;
    const roots = element ? (mine ? [mine] : []) : [...document.querySelectorAll('.' + config.root)];
    roots.forEach(watch);
    if (!roots.length && ++tries < 600) setTimeout(find, 100);
  };
  find();
}
