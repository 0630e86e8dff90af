// The upload's progress bar (htmx sends the file; the page shows how much has gone).
document.body.addEventListener("htmx:xhr:progress", function (event) {
  if (event.detail.lengthComputable) {
    document.getElementById("upload-progress").value = (event.detail.loaded / event.detail.total) * 100;
  }
});
