// 现场摸排: fill the coordinates from the phone's location (the staff member stands at the space).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("locate");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    button.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        button.textContent = "已填入当前位置";
      },
      () => { button.textContent = "无法获取位置，请手动填写"; },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
});
