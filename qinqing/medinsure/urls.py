from django.urls import path

from qinqing.medinsure.views import cockpit, inspections, requests, review

urlpatterns = [
    path("", cockpit.cockpit, name="medinsure-cockpit"),
    path("findings/", review.finding_list, name="medinsure-findings"),
    path("findings/<int:pk>/review/", review.finding_review, name="medinsure-finding-review"),
    path("batches/", review.batch_list, name="medinsure-batches"),
    path("batches/upload/", review.batch_upload, name="medinsure-batch-upload"),
    path("audit/", review.audit_start, name="medinsure-audit-start"),
    path("clues/refer/", review.clue_refer, name="medinsure-clue-refer"),
    path("inspections/", inspections.inspection_list, name="medinsure-inspections"),
    path("inspections/new/", inspections.inspection_form, name="medinsure-inspection-new"),
    path("inspections/<int:pk>/", inspections.inspection_form, name="medinsure-inspection-edit"),
    path("requests/", requests.service_requests, name="medinsure-requests"),
]
