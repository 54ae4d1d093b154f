// Test page (not shipped): renders window.TEST_SCHEMA with react-jsonschema-form 4.2.3, the version
// OpenShift's console pins, in React's legacy root (ReactDOM.render: React 17 semantics).
// Bundled by test/support/form-page.ts with esbuild; the test drives it through window.formPage.
import React from 'react';
import ReactDOM from 'react-dom';
import Form from 'rjsf4';

let formData = window.TEST_FORM_DATA;
let form;

function render() {
  ReactDOM.render(
    React.createElement(Form, {
      schema: window.TEST_SCHEMA,
      formData,
      liveValidate: true,
      showErrorList: false,
      ref: (instance) => { form = instance; },
      onChange: (event) => { formData = event.formData; },
    }, React.createElement('span')),
    document.getElementById('root'),
  );
}

window.formPage = {
  renderer: 'rjsf 4.2.3',
  formData: () => formData,
  setFormData: (data) => { formData = data; render(); },
  /** Schema errors of the current data, as RJSF shows them: property path and message. */
  errors: () => form.validate(formData).errors.map((error) => ({ property: error.property, message: error.message })),
};
render();
